-- execute_sales_query caps its result in bytes inside the statement itself: the page is wrapped so
-- that each row passes its running byte total through this check, and the statement stops at the
-- first row over the cap, before the rest is built or sent. VOLATILE, so the planner neither drops
-- nor folds the call. The error code (SLW01, a class of its own) lets the tool name the cap.
CREATE FUNCTION retail.assert_result_size(total bigint, cap bigint) RETURNS boolean
  LANGUAGE plpgsql VOLATILE STRICT
AS $$
BEGIN
  IF total > cap THEN
    RAISE EXCEPTION 'the result is larger than % bytes', cap USING ERRCODE = 'SLW01';
  END IF;
  RETURN true;
END
$$;

REVOKE ALL ON FUNCTION retail.assert_result_size(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION retail.assert_result_size(bigint, bigint) TO retail_analyst;
