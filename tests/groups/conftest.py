"""The collection fixtures (an open round for units A, B and C) for the programme tests."""

from tests.collection.conftest import round_, sub_a, sub_b  # noqa: F401 - fixtures
