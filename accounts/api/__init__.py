"""The users endpoints: `users/me/` for everyone signed in, `users/` for staff."""
