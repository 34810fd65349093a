"""runConsolidation over GraphQL HTTP: what a run wrote is counted, session summaries and
merges included, and a second run over an unchanged table counts nothing."""

from __future__ import annotations

from tests.support.api_harness import ConfigFactory, serve
from tests.support.formed import put_formed
from tests.support.operations import RECORD, record_input

COUNTS = """
mutation { runConsolidation {
  summariesWritten observationsMerged observationsTrimmed observationsPromoted playersUpdated
} }
"""
OBSERVATIONS = """
query { player(name: "Ada") { observations(first: 20) { edges { node { content } } } } }
"""
CAT = ["Ada has a cat named Schrodinger", "Ada's cat sleeps in boxes", "Ada feeds the cat tuna"]
OTHERS = ["Ada solved the bell state puzzle", "Ada streams on Sundays", "Ada plans a trip to Japan"]


async def test_a_run_counts_the_summaries_it_wrote_and_the_observations_it_merged(
    make_config: ConfigFactory,
) -> None:
    async with serve(make_config(max_observations_per_player=5)) as running:
        client = running.client
        await client.data(RECORD, record_input("Ada", "hello again"))
        # Formed a day ago in two sessions that have ended: each gets a summary.
        for text in CAT:
            await put_formed(running.service, "Ada", text, session_id="stream-1")
        for text in OTHERS:
            await put_formed(running.service, "Ada", text, session_id="stream-2")

        first = (await client.data(COUNTS))["runConsolidation"]
        edges = (await client.data(OBSERVATIONS))["player"]["observations"]["edges"]
        again = (await client.data(COUNTS))["runConsolidation"]

    contents = [edge["node"]["content"] for edge in edges]
    summaries = [c for c in contents if c.startswith("In the session of ")]
    assert len(summaries) == 2 and first["summariesWritten"] == 2
    # The cat lines became one; then one more went (the cap counts summaries too).
    assert "; ".join(CAT) in contents and not set(CAT) & set(contents)
    assert first["observationsMerged"] == 2
    assert (first["observationsTrimmed"], len(contents)) == (3, 5)
    assert (again["summariesWritten"], again["observationsMerged"]) == (0, 0)
