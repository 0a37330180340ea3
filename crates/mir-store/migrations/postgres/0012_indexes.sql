-- For the directory and map at national scale: sorting by name, recent changes, and finding
-- an organisation's published priorities.
CREATE INDEX organisations_status_name ON organisations (status, name);
CREATE INDEX organisations_last_public_change ON organisations (last_public_change);
CREATE INDEX progress_updates_priority ON progress_updates (priority_id);
