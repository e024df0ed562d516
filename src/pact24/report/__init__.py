"""Reports: timelines, figures and HTML for people to read."""
