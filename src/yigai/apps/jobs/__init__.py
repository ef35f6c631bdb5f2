"""Background jobs (ADR 0005): heavy work — document parsing on plan upload — runs off the web request in
a worker (huey; an embedded SQLite queue by default, Redis in production), in a child process with limits
on time and memory, and reports its progress to a page that polls it."""
