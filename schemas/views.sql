-- Ready-made views over the tables, created in the DuckDB catalog with every load.
-- Each statement ends with a semicolon at the end of a line.

-- timeline: real-world events by date and type (things that happened or were proposed), with the
-- outlets that reported them most. An event is placed at its own date period (event_date to
-- event_date_end, at date_precision): a month-precision event is a row for that month, not for its
-- first day, and an undated event is on no timeline (the events table lists it, with date_precision
-- 'unknown').
CREATE OR REPLACE VIEW timeline AS
WITH e AS (
    SELECT event_date, coalesce(event_date_end, event_date) AS event_date_end, date_precision, event_type,
           event_id, n_mentions, n_articles, sources
    FROM events
    WHERE modality IN ('asserted', 'claimed', 'proposed') AND event_date IS NOT NULL
), per_source AS (
    SELECT event_date, event_date_end, date_precision, event_type, source, count(*) AS n
    FROM (SELECT event_date, event_date_end, date_precision, event_type, unnest(sources) AS source FROM e)
    GROUP BY ALL
), top AS (
    SELECT event_date, event_date_end, date_precision, event_type,
           list(source ORDER BY n DESC, source)[1:3] AS top_sources
    FROM per_source
    GROUP BY ALL
)
SELECT e.event_date, e.event_date_end, e.date_precision, e.event_type, count(*) AS events,
       CAST(sum(e.n_mentions) AS BIGINT) AS mentions, CAST(sum(e.n_articles) AS BIGINT) AS articles,
       any_value(top.top_sources) AS top_sources
FROM e LEFT JOIN top ON e.event_date = top.event_date AND e.event_date_end = top.event_date_end
     AND e.date_precision = top.date_precision AND e.event_type = top.event_type
GROUP BY e.event_date, e.event_date_end, e.date_precision, e.event_type
ORDER BY e.event_date, e.event_date_end, e.event_type;

-- actor_activity: per actor, events as agent and as target, by type and month. An event counts in
-- the month its date period lies in; one with no date, or a period longer than a month (a year, "the
-- past weeks" across two months), counts under month NULL, never under its publication month.
CREATE OR REPLACE VIEW actor_activity AS
WITH e AS (
    SELECT *, CASE WHEN date_trunc('month', event_date) = date_trunc('month', coalesce(event_date_end, event_date))
                   THEN strftime(event_date, '%Y-%m') END AS month
    FROM events
)
SELECT actor_id, actor_name, event_type, month, CAST(sum(as_agent) AS BIGINT) AS as_agent,
       CAST(sum(as_target) AS BIGINT) AS as_target
FROM (
    SELECT agent_id AS actor_id, agent_name AS actor_name, event_type, month, 1 AS as_agent, 0 AS as_target
    FROM e WHERE agent_name IS NOT NULL
    UNION ALL
    SELECT target_id, target_name, event_type, month, 0, 1
    FROM e WHERE target_name IS NOT NULL
)
GROUP BY actor_id, actor_name, event_type, month
ORDER BY actor_name, month NULLS LAST, event_type;

-- ceasefire_tracker: each ceasefire proposal, who proposed it to whom, for how long, and how it was
-- answered (accepted / rejected / violated) where the articles report it. Its date is the proposal's
-- own (NULL when the articles give none), never the publication date.
CREATE OR REPLACE VIEW ceasefire_tracker AS
SELECT e.event_id, e.agent_name AS proposed_by, e.target_name AS proposed_to, e.duration_days,
       e.event_date, e.event_date_end, e.date_precision, e.place_name AS place,
       list(struct_pack(response := m.response, responder := m.responder, reported := m.published_date)
            ORDER BY m.published_date, m.mention_id) FILTER (WHERE m.response IS NOT NULL) AS responses,
       coalesce(bool_or(m.response = 'accepted'), false) AS accepted,
       coalesce(bool_or(m.response = 'rejected'), false) AS rejected,
       coalesce(bool_or(m.response = 'violated'), false) AS violated,
       e.modality, e.n_articles, e.first_reported, e.last_reported, e.evidence
FROM events e JOIN event_mentions m ON m.event_id = e.event_id
WHERE e.event_type = 'CEASEFIRE_PROPOSAL'
GROUP BY e.event_id, e.agent_name, e.target_name, e.duration_days, e.event_date, e.event_date_end, e.date_precision,
         e.first_reported, e.place_name, e.modality, e.n_articles, e.last_reported, e.evidence
ORDER BY e.event_date NULLS LAST, e.first_reported, e.event_id;

-- talks: meetings and negotiations: the parties, place, date (the talks' own, NULL when the articles
-- give none) and how they went in the articles' words.
CREATE OR REPLACE VIEW talks AS
SELECT e.event_id, e.agent_name AS party_a, e.target_name AS party_b, e.place_name AS place,
       e.event_date, e.event_date_end, e.date_precision, e.modality,
       string_agg(DISTINCT m.outcome, '; ') AS outcome, e.n_articles, e.first_reported, e.evidence
FROM events e JOIN event_mentions m ON m.event_id = e.event_id
WHERE e.event_type = 'TALKS'
GROUP BY e.event_id, e.agent_name, e.target_name, e.place_name, e.event_date, e.event_date_end, e.first_reported,
         e.date_precision, e.modality, e.n_articles, e.evidence
ORDER BY e.event_date NULLS LAST, e.first_reported, e.event_id;
