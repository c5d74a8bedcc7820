-- Signed scope tokens. The policies of 0002 trusted the settings app.current_store_id and
-- app.is_head_office, which any SQL can set_config. Now a policy admits a store only when the
-- setting app.scope holds a token the service minted for this very connection:
--   <store>:<head office 0|1>:<backend pid>:<expiry, epoch seconds>:<signature>
-- signed with a random key only the owner can read. Minting is granted to retail_app (the
-- service) and not to retail_analyst (the caller's SQL); a token names one backend pid and
-- expires, so a token seen elsewhere is useless. The functions below run as the owner
-- (SECURITY DEFINER) with a fixed search_path.
CREATE SCHEMA IF NOT EXISTS retail_private;
REVOKE ALL ON SCHEMA retail_private FROM PUBLIC;

-- Two independent 256-bit keys (two random UUIDs each: 244 random bits), for
-- sha256(outer || sha256(inner || message)): a keyed hash without the length-extension weakness
-- of a single sha256(key || message). Built-ins only (no pgcrypto), so PGlite runs it as well.
CREATE TABLE retail_private.scope_keys (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  inner_key bytea NOT NULL,
  outer_key bytea NOT NULL
);
REVOKE ALL ON retail_private.scope_keys FROM PUBLIC;
INSERT INTO retail_private.scope_keys (inner_key, outer_key)
VALUES (
  decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'),
  decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex')
);

-- The login that runs callers' SQL on a PostgreSQL server (created after migrations, by the
-- owner, with a random password): the service reads it to open that pool; nobody else can.
CREATE TABLE retail_private.analyst_login (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  username text NOT NULL,
  password text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON retail_private.analyst_login FROM PUBLIC;
GRANT USAGE ON SCHEMA retail_private TO retail_app;
GRANT SELECT ON retail_private.analyst_login TO retail_app;

-- The keyed hash of a token's message, as the owner (callers have no EXECUTE, nor USAGE on the schema).
CREATE FUNCTION retail_private.scope_signature(message text) RETURNS text
  LANGUAGE plpgsql STABLE
  SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  signature text;
BEGIN
  SELECT encode(sha256(k.outer_key || sha256(k.inner_key || convert_to(message, 'UTF8'))), 'hex') INTO signature
    FROM retail_private.scope_keys k;
  RETURN signature;
END
$$;
REVOKE ALL ON FUNCTION retail_private.scope_signature(text) FROM PUBLIC;

-- Ten minutes: longer than the longest statement timeout (five), short enough that a token
-- kept by mistake is soon worthless. The pid binding is what confines it meanwhile.
CREATE FUNCTION retail.mint_scope(p_store_id integer, p_head_office boolean, p_backend_pid integer) RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  message text;
BEGIN
  IF p_head_office IS NULL OR p_backend_pid IS NULL OR (NOT p_head_office AND (p_store_id IS NULL OR p_store_id < 1)) THEN
    RAISE EXCEPTION 'mint_scope needs a store id (or head office) and a backend pid';
  END IF;
  message := format('%s:%s:%s:%s',
    CASE WHEN p_head_office THEN 0 ELSE p_store_id END,
    CASE WHEN p_head_office THEN 1 ELSE 0 END,
    p_backend_pid,
    floor(extract(epoch FROM clock_timestamp()))::bigint + 600);
  RETURN message || ':' || retail_private.scope_signature(message);
END
$$;
REVOKE ALL ON FUNCTION retail.mint_scope(integer, boolean, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION retail.mint_scope(integer, boolean, integer) TO retail_app;

-- The store a valid token in app.scope grants this backend: its id, 0 for every store (head
-- office; store ids start at 1), NULL without a valid token. The signature is checked first, on
-- the text as given, so only a token the service minted is ever parsed (no regular expression:
-- PostgreSQL's costs ~1 ms a call here). One plpgsql function, its plans cached for the session.
CREATE FUNCTION retail.scope_store_id() RETURNS integer
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  token text := current_setting('app.scope', true);
  message text;
  expected text;
  parts text[];
BEGIN
  IF token IS NULL OR length(token) < 66 OR substr(token, length(token) - 64, 1) <> ':' THEN
    RETURN NULL;
  END IF;
  message := left(token, length(token) - 65);
  SELECT encode(sha256(k.outer_key || sha256(k.inner_key || convert_to(message, 'UTF8'))), 'hex') INTO expected
    FROM retail_private.scope_keys k;
  IF expected IS DISTINCT FROM right(token, 64) THEN
    RETURN NULL;
  END IF;
  parts := string_to_array(message, ':');
  IF parts[3]::bigint <> pg_backend_pid() OR parts[4]::bigint <= extract(epoch FROM now()) THEN
    RETURN NULL;
  END IF;
  RETURN CASE WHEN parts[2] = '1' THEN 0 ELSE parts[1]::integer END;
END
$$;
REVOKE ALL ON FUNCTION retail.scope_store_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION retail.scope_store_id() TO retail_app, retail_analyst;

-- On PGlite the service's one session runs callers' SQL after SET LOCAL ROLE retail_analyst, so
-- retail_app's members may take that role. Membership is one way: retail_analyst gains nothing.
GRANT retail_analyst TO retail_app;

-- The policies, on the token only. The call sits in a scalar subquery: an InitPlan, verified once
-- per query (and table) rather than once per row. `= ANY (ARRAY[...])` reads it once, where
-- `IN (0, store_id)` would be planned as an OR of two subqueries.
DROP POLICY store_scope ON retail.stores;
CREATE POLICY store_scope ON retail.stores
  USING ((SELECT retail.scope_store_id()) = ANY (ARRAY[0, store_id]))
  WITH CHECK ((SELECT retail.scope_store_id()) = ANY (ARRAY[0, store_id]));

DROP POLICY store_scope ON retail.customers;
CREATE POLICY store_scope ON retail.customers
  USING ((SELECT retail.scope_store_id()) = ANY (ARRAY[0, store_id]))
  WITH CHECK ((SELECT retail.scope_store_id()) = ANY (ARRAY[0, store_id]));

DROP POLICY store_scope ON retail.orders;
CREATE POLICY store_scope ON retail.orders
  USING ((SELECT retail.scope_store_id()) = ANY (ARRAY[0, store_id]))
  WITH CHECK ((SELECT retail.scope_store_id()) = ANY (ARRAY[0, store_id]));

DROP POLICY store_scope ON retail.order_items;
CREATE POLICY store_scope ON retail.order_items
  USING ((SELECT retail.scope_store_id()) = ANY (ARRAY[0, store_id]))
  WITH CHECK ((SELECT retail.scope_store_id()) = ANY (ARRAY[0, store_id]));

DROP POLICY store_scope ON retail.inventory;
CREATE POLICY store_scope ON retail.inventory
  USING ((SELECT retail.scope_store_id()) = ANY (ARRAY[0, store_id]))
  WITH CHECK ((SELECT retail.scope_store_id()) = ANY (ARRAY[0, store_id]));

-- Temporary tables outlive a transaction in a pooled session: where this owner owns the database,
-- only roles granted TEMPORARY may make them (PUBLIC may by default). The service roles need none.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_database WHERE datname = current_database() AND datdba = (SELECT oid FROM pg_roles WHERE rolname = current_user)) THEN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  END IF;
END
$$;
