"""Where the record lives: the YAML file (default) or PostgreSQL/PostGIS."""
