"""Leads: built by the leads issue."""
