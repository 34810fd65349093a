"""GraphQL documents shared by the API tests."""

RECORD = """
mutation Record($input: RecordInteractionInput!) {
  recordInteraction(input: $input) {
    interaction { id message qaiResponse channel ttl player { name } }
    player { name totalInteractions }
    evolution { stage totalInteractions uniquePlayersMet }
    stageAdvanced
    replayed
  }
}
"""

STORE_OBSERVATION = """
mutation Store($input: StoreObservationInput!) {
  storeObservation(input: $input) {
    id subject content category confidence evidenceCount promoted memoryTier ttl
  }
}
"""

OBSERVATION_FIELDS = "id content confidence evidenceCount promoted memoryTier ttl"

PLAYER_PAGE = """
query Player($name: String!, $first: Int!, $after: String) {
  player(name: $name) {
    name
    totalInteractions
    interactions(first: $first, after: $after) {
      edges { cursor node { id message } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


def record_input(player: str, message: str, **extra: object) -> dict[str, object]:
    """Variables of RECORD."""
    return {"input": {"player": player, "message": message, **extra}}
