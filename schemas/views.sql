-- Ready-made views over the tables, created in the DuckDB catalog with every load.
-- Each statement ends with a semicolon at the end of a line.

-- timeline: real-world events by day and type (things that happened or were proposed), with the
-- outlets that reported them most.
CREATE OR REPLACE VIEW timeline AS
WITH e AS (
    SELECT coalesce(event_date, first_reported) AS day, event_type, event_id, n_mentions, n_articles, sources
    FROM events
    WHERE modality IN ('asserted', 'claimed', 'proposed')
), per_source AS (
    SELECT day, event_type, source, count(*) AS n
    FROM (SELECT day, event_type, unnest(sources) AS source FROM e)
    GROUP BY day, event_type, source
), top AS (
    SELECT day, event_type, list(source ORDER BY n DESC, source)[1:3] AS top_sources
    FROM per_source
    GROUP BY day, event_type
)
SELECT e.day, e.event_type, count(*) AS events, CAST(sum(e.n_mentions) AS BIGINT) AS mentions,
       CAST(sum(e.n_articles) AS BIGINT) AS articles,
       any_value(top.top_sources) AS top_sources
FROM e LEFT JOIN top ON e.day = top.day AND e.event_type = top.event_type
WHERE e.day IS NOT NULL
GROUP BY e.day, e.event_type
ORDER BY e.day, e.event_type;

-- actor_activity: per actor, events as agent and as target, by type and month.
CREATE OR REPLACE VIEW actor_activity AS
SELECT actor_id, actor_name, event_type, month, CAST(sum(as_agent) AS BIGINT) AS as_agent,
       CAST(sum(as_target) AS BIGINT) AS as_target
FROM (
    SELECT agent_id AS actor_id, agent_name AS actor_name, event_type,
           strftime(coalesce(event_date, first_reported), '%Y-%m') AS month, 1 AS as_agent, 0 AS as_target
    FROM events WHERE agent_name IS NOT NULL
    UNION ALL
    SELECT target_id, target_name, event_type,
           strftime(coalesce(event_date, first_reported), '%Y-%m'), 0, 1
    FROM events WHERE target_name IS NOT NULL
)
GROUP BY actor_id, actor_name, event_type, month
ORDER BY actor_name, month, event_type;

-- ceasefire_tracker: each ceasefire proposal, who proposed it to whom, for how long, and how it was
-- answered (accepted / rejected / violated) where the articles report it.
CREATE OR REPLACE VIEW ceasefire_tracker AS
SELECT e.event_id, e.agent_name AS proposed_by, e.target_name AS proposed_to, e.duration_days,
       coalesce(e.event_date, e.first_reported) AS proposed_on, e.place_name AS place,
       list(struct_pack(response := m.response, responder := m.responder, reported := m.published_date)
            ORDER BY m.published_date, m.mention_id) FILTER (WHERE m.response IS NOT NULL) AS responses,
       coalesce(bool_or(m.response = 'accepted'), false) AS accepted,
       coalesce(bool_or(m.response = 'rejected'), false) AS rejected,
       coalesce(bool_or(m.response = 'violated'), false) AS violated,
       e.modality, e.n_articles, e.first_reported, e.last_reported, e.evidence
FROM events e JOIN event_mentions m ON m.event_id = e.event_id
WHERE e.event_type = 'CEASEFIRE_PROPOSAL'
GROUP BY e.event_id, e.agent_name, e.target_name, e.duration_days, e.event_date, e.first_reported, e.place_name,
         e.modality, e.n_articles, e.last_reported, e.evidence
ORDER BY proposed_on, e.event_id;

-- talks: meetings and negotiations: the parties, place, date and how they went in the articles' words.
CREATE OR REPLACE VIEW talks AS
SELECT e.event_id, e.agent_name AS party_a, e.target_name AS party_b, e.place_name AS place,
       coalesce(e.event_date, e.first_reported) AS date, e.date_precision, e.modality,
       string_agg(DISTINCT m.outcome, '; ') AS outcome, e.n_articles, e.evidence
FROM events e JOIN event_mentions m ON m.event_id = e.event_id
WHERE e.event_type = 'TALKS'
GROUP BY e.event_id, e.agent_name, e.target_name, e.place_name, e.event_date, e.first_reported, e.date_precision,
         e.modality, e.n_articles, e.evidence
ORDER BY date, e.event_id;
