CREATE TABLE notes (
  id serial PRIMARY KEY,
  body text NOT NULL
);
CREATE INDEX notes_body_idx ON notes (body);
