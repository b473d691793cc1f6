-- The owner of the target database, recorded before an in-place restore drops it, so that every
-- step can run again after a crash between the drop and the create.
ALTER TABLE restores ADD COLUMN target_owner text;
