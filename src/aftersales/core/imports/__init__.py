"""Generic import/export jobs (R-CUS-7): each app registers importers; the kernel runs them as jobs."""
