"""Memory formation: QAI's own observations from what players say (issue 20).

engine.py runs it (queue, worker, sweep, exactly-once writes); inline.py forms inside a
writer's own transaction (backfill, local observer); beliefs.py applies formed
sentences to a player's observations; matching.py says new, same or a change.
"""

from qai_graph.memory.formation.engine import Formation
from qai_graph.memory.formation.report import FormationReport

__all__ = ["Formation", "FormationReport"]
