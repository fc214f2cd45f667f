-- wrk script: every request carries `Authorization: Token <key>`, rotating through the tokens
-- of the benchmark's users (one per line in the file given after `--`). Every contender gets
-- the same header; only the project's API reads it.
local tokens = {}
local index = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  -- Threads start at different users so that they do not move in lockstep.
  index = math.random(#tokens)
end

function request()
  index = index % #tokens + 1
  wrk.headers["Authorization"] = "Token " .. tokens[index]
  return wrk.format(nil)
end
