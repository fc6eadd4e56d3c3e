"""The yardstick of bench.imports: a minimal Powertools REST handler with validation, one pydantic
model on one route. Every Casetrail function's import is measured as a ratio to this one's."""

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from pydantic import BaseModel

app = APIGatewayRestResolver(enable_validation=True)


class Greeting(BaseModel):
    name: str


@app.post("/greetings")
def greet(greeting: Greeting) -> Greeting:
    return greeting


def handler(event: dict, context) -> dict:
    return app.resolve(event, context)
