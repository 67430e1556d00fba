"""The data model: the schema, datasets and their loading, dates, names, time slices."""
