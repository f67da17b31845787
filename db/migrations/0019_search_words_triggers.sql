-- The directory's own dictionary (search_words) for correcting slips in search words, kept up to date by triggers,
-- and a starter list of synonyms for family support that coordinators then keep at /coordinator/synonyms.
CREATE INDEX "search_words_trigram_idx" ON "search_words" USING gist ("word" gist_trgm_ops);--> statement-breakpoint
CREATE INDEX "search_words_prefix_idx" ON "search_words" ("word" text_pattern_ops);--> statement-breakpoint
CREATE FUNCTION fort_words_of(body text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
  SELECT DISTINCT w FROM unnest(tsvector_to_array(to_tsvector('simple', coalesce(body, '')))) AS w
  WHERE length(w) BETWEEN 2 AND 40 AND w !~ '[^[:alpha:]]'
$$;--> statement-breakpoint
CREATE FUNCTION fort_services_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_words (word)
    SELECT DISTINCT w FROM new_rows, fort_words_of(new_rows.name || ' ' || new_rows.summary || ' ' || new_rows.description) AS w
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER services_search_words_insert AFTER INSERT ON services REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fort_services_search_words();--> statement-breakpoint
CREATE TRIGGER services_search_words_update AFTER UPDATE ON services REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fort_services_search_words();--> statement-breakpoint
CREATE FUNCTION fort_named_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_words (word) SELECT DISTINCT w FROM new_rows, fort_words_of(new_rows.name) AS w ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER organisations_search_words_insert AFTER INSERT ON organisations REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fort_named_search_words();--> statement-breakpoint
CREATE TRIGGER organisations_search_words_update AFTER UPDATE ON organisations REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fort_named_search_words();--> statement-breakpoint
CREATE TRIGGER taxonomy_terms_search_words_insert AFTER INSERT ON taxonomy_terms REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fort_named_search_words();--> statement-breakpoint
CREATE TRIGGER taxonomy_terms_search_words_update AFTER UPDATE ON taxonomy_terms REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fort_named_search_words();--> statement-breakpoint
CREATE FUNCTION fort_synonym_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_words (word) SELECT DISTINCT w FROM new_rows, fort_words_of(array_to_string(new_rows.terms, ' ')) AS w ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER synonym_groups_search_words_insert AFTER INSERT ON synonym_groups REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fort_synonym_search_words();--> statement-breakpoint
CREATE TRIGGER synonym_groups_search_words_update AFTER UPDATE ON synonym_groups REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fort_synonym_search_words();--> statement-breakpoint
INSERT INTO search_words (word)
  SELECT w FROM services, fort_words_of(name || ' ' || summary || ' ' || description) AS w
  UNION SELECT w FROM organisations, fort_words_of(name) AS w
  UNION SELECT w FROM taxonomy_terms, fort_words_of(name) AS w
  ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO synonym_groups (terms) VALUES
  ('{grief,bereavement,bereaved,grieving,death,loss}'),
  ('{food bank,foodbank,larder,pantry,food parcel,free food}'),
  ('{nappies,nappy,diapers,baby bank,baby clothes}'),
  ('{pregnant,pregnancy,maternity,antenatal,expecting a baby,perinatal}'),
  ('{counselling,counseling,counsellor,counselor,talking therapy}'),
  ('{breastfeeding,breast feeding,breastfeed,feeding,infant feeding,bottle feeding,baby feeding}'),
  ('{postnatal depression,postpartum depression,perinatal mental health}'),
  ('{autism,autistic,asd,asn,additional support needs,additional needs,special needs,sen}'),
  ('{domestic abuse,domestic violence,coercive control}'),
  ('{benefits,welfare rights,income maximisation,cost of living}'),
  ('{debt,arrears,money worries}'),
  ('{housing,homeless,homelessness,tenancy,eviction}'),
  ('{drugs,alcohol,addiction,substance use,drinking}'),
  ('{dad,dads,father,fathers}'),
  ('{mum,mums,mom,moms,mother,mothers}'),
  ('{teenager,teenagers,teen,teens,adolescent}'),
  ('{refugee,refugees,asylum,asylum seeker,new scots,newly arrived}'),
  ('{kinship care,kinship carer,grandparent carer,grandparents raising grandchildren}'),
  ('{mentor,mentoring,befriending,befriender}'),
  ('{school uniform,uniform,school clothes}'),
  ('{esol,english classes,english lessons}'),
  ('{behaviour,behavior,tantrums}'),
  ('{swimming,swim}'),
  ('{holiday club,holiday playscheme,summer club}'),
  ('{toddler,toddlers,under 5s,preschool}'),
  ('{nursery,playgroup,creche}');
