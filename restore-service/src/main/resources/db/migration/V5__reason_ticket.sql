-- Why a restore was made and the incident it belongs to, as the requester gave them
-- (docs/restores.md#reason-and-ticket); kept with the restore, carried in its planned and confirmed
-- events, shown in the incident report.
ALTER TABLE restores ADD COLUMN reason text, ADD COLUMN ticket text;
