-- Versions before this one stored processed_event.numeric_values as a JSON string containing the object
-- ('"{\"coins\":5.0}"') instead of the object itself: turn those back into objects, so that metrics can be
-- recomputed from them.
update processing.processed_event
set numeric_values = (numeric_values #>> '{}')::jsonb
where jsonb_typeof(numeric_values) = 'string';
