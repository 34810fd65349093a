"""The pages face: offline GraphiQL, the stream overlay and the dashboard, as static files.

Every page is plain HTML/CSS/JS under ``static/`` (no build step) and gets its data only
from the public GraphQL API with the caller's key, exactly as any other client would.
"""

from qai_graph.web.routes import graphiql_page, web_routes

__all__ = ["graphiql_page", "web_routes"]
