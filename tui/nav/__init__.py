"""Headless navigation: places, rows, history and routing. No Textual imports here."""
