"""The pages of improvement plans."""
