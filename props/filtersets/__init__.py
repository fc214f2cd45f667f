"""django-filter FilterSets, one per resource, shared by the API, the admin and the exports."""
