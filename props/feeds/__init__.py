"""Feed sources polled over HTTP on a schedule: the models (imported by props.models), the fetch
with its limits and conditional requests (`fetch`), and the poll that imports a source once at a
time across workers (`polling`)."""
