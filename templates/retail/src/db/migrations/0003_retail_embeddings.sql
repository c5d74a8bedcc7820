-- Product description embeddings for semantic_search_products (pgvector, cosine distance).
-- 256 dimensions: the local embedding's size, and what Azure OpenAI text-embedding-3-* return
-- when asked for `dimensions: 256`. Servers without pgvector (Debian's PostgreSQL packages, for
-- one) skip this: the rest of the schema works and semantic_search_products says it is unavailable.
-- Once pgvector is installed there, add a migration that runs the body below.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    RAISE NOTICE 'pgvector is not available: semantic search is disabled';
    RETURN;
  END IF;
  CREATE EXTENSION IF NOT EXISTS vector;
  CREATE TABLE retail.product_description_embeddings (
    product_id integer PRIMARY KEY REFERENCES retail.products ON DELETE CASCADE,
    model text NOT NULL,
    embedding vector(256) NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX product_description_embeddings_hnsw_idx
    ON retail.product_description_embeddings USING hnsw (embedding vector_cosine_ops);
  COMMENT ON TABLE retail.product_description_embeddings IS
    'One embedding of each product description (pgvector); used by semantic_search_products.';
  GRANT SELECT ON retail.product_description_embeddings TO retail_app, retail_analyst;
END
$$;
