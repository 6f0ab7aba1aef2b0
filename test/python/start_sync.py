"""Starts a sync the way any Temporal client can: the official Python SDK, the workflow type, the task queue and a
JSON input that validates against docs/schemas/sync-input.schema.json. Waits for the report, checks it against
docs/schemas/sync-report.schema.json and prints it as JSON on stdout.

Usage: start_sync.py <address> <namespace> <task queue> <workflow id> <input.json> <schemas dir>
"""

import asyncio
import json
import os
import pathlib
import sys

import jsonschema
from temporalio.client import Client


def schema(schemas_dir: pathlib.Path, name: str) -> dict:
    return json.loads((schemas_dir / name).read_text())


async def main(address: str, namespace: str, task_queue: str, workflow_id: str, input_file: str, schemas: str) -> None:
    schemas_dir = pathlib.Path(schemas)
    sync_input = json.loads(pathlib.Path(input_file).read_text())
    jsonschema.validate(sync_input, schema(schemas_dir, "sync-input.schema.json"))
    client = await Client.connect(address, namespace=namespace)
    report = await client.execute_workflow("syncEndpoints", sync_input, id=workflow_id, task_queue=task_queue)
    jsonschema.validate(report, schema(schemas_dir, "sync-report.schema.json"))
    print(json.dumps(report))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:7]))
    # The SDK's Rust core keeps threads that can abort CPython's interpreter teardown ("Fatal Python error:
    # PyGILState_Release ... finalizing", temporalio/sdk-python issue 300). The work is done and printed: flush and
    # leave without the teardown. A failure above still exits through Python's normal path with its traceback.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
