"""SQS queues as Casetrail creates them: encrypted, TLS only, keeping messages as long as SQS allows."""

import aws_cdk as cdk
from aws_cdk import aws_sqs as sqs
from constructs import Construct

# Longest retention SQS offers, for every queue: a stopped consumer loses nothing for two weeks, and
# dead letters wait that long for someone to notice the alarm, fix the cause and redrive.
MAX_RETENTION = cdk.Duration.days(14)
MAX_RECEIVE_COUNT = 5


def secure_queue(scope: Construct, construct_id: str, **props) -> sqs.Queue:
    return sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=MAX_RETENTION,
        **props,
    )


def dead_letter_queue(scope: Construct, construct_id: str) -> sqs.Queue:
    return secure_queue(scope, construct_id)


def redrive_to(dead_letters: sqs.Queue) -> sqs.DeadLetterQueue:
    return sqs.DeadLetterQueue(queue=dead_letters, max_receive_count=MAX_RECEIVE_COUNT)
