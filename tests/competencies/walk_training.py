"""The objects the URL × role walk (tests/test_url_walk.py) names on the competency
pages of this part. (To be filled by the pages' author.)"""


def competencies_training_parameters(group, operator) -> dict[str, str]:
    return {}
