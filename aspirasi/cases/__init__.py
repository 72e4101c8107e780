"""The case record: aspirations, their step trail, supporting information, responses, reports."""
