"""Pure domain model: entities, value objects, the contact state machine and errors."""
