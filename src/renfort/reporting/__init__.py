"""Contact-centre reporting: interval facts from contact histories, service-level reports."""
