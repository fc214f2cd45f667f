"""The props app's REST API: viewsets, serializers and their helpers."""
