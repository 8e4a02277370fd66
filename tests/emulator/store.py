"""In-memory objects and the rules the API enforces on them (404s, one active run per thread)."""

import copy

from .errors import bad_request, not_found
from .objects import assistant_object, deleted, message_text, thread_object, user_message
from .pagination import page
from .responses import ResponsesStore
from .runs import ACTIVE_STATUSES, Run


class Thread:
    """A thread with its messages and runs, each kept in creation order."""

    def __init__(self, data):
        self.data = data
        self.messages = {}
        self.runs = {}

    def add_message(self, message):
        """Append a MessageObject."""
        self.messages[message["id"]] = message

    def newest_user_text(self):
        """The text of the newest user message ("" when there is none)."""
        for message in reversed(self.messages.values()):
            if message["role"] == "user":
                return message_text(message)
        return ""

    def active_run(self):
        """The run that is queued, in progress, waiting for tool outputs or cancelling, if any."""
        return next((run for run in self.runs.values() if run.status in ACTIVE_STATUSES), None)


class Store:
    """Every assistant, thread, message, run and run step the emulator knows (``responses``: the Responses API's objects)."""

    def __init__(self):
        self.assistants = {}
        self.threads = {}
        self.responses = ResponsesStore()

    # Lookups (404 when unknown).

    def assistant(self, assistant_id):
        """The AssistantObject (stored, not a copy)."""
        if assistant_id not in self.assistants:
            raise not_found("assistant", assistant_id)
        return self.assistants[assistant_id]

    def thread(self, thread_id):
        """The Thread."""
        if thread_id not in self.threads:
            raise not_found("thread", thread_id)
        return self.threads[thread_id]

    def message(self, thread_id, message_id):
        """The MessageObject (stored, not a copy)."""
        messages = self.thread(thread_id).messages
        if message_id not in messages:
            raise not_found("message", message_id)
        return messages[message_id]

    def run(self, thread_id, run_id):
        """The Run."""
        runs = self.thread(thread_id).runs
        if run_id not in runs:
            raise not_found("run", run_id)
        return runs[run_id]

    def step(self, thread_id, run_id, step_id):
        """The RunStepObject (stored, not a copy)."""
        for step in self.run(thread_id, run_id).steps:
            if step["id"] == step_id:
                return step
        raise not_found("run step", step_id)

    # Assistants.

    def create_assistant(self, body):
        """Create from a validated CreateAssistantRequest."""
        assistant = assistant_object(body)
        self.assistants[assistant["id"]] = assistant
        return copy.deepcopy(assistant)

    def modify_assistant(self, assistant_id, body):
        """Apply a validated ModifyAssistantRequest."""
        assistant = self.assistant(assistant_id)
        assistant.update(copy.deepcopy(body))
        return copy.deepcopy(assistant)

    def delete_assistant(self, assistant_id):
        """Forget the assistant (its runs stay)."""
        self.assistant(assistant_id)
        del self.assistants[assistant_id]
        return deleted(assistant_id, "assistant")

    def list_assistants(self, params):
        """ListAssistantsResponse."""
        return page(list(self.assistants.values()), params)

    # Threads and messages.

    def create_thread(self, body):
        """Create from a validated CreateThreadRequest, with its messages."""
        thread = Thread(thread_object(body))
        for request in body.get("messages") or []:
            thread.add_message(user_message(thread.data["id"], request))
        self.threads[thread.data["id"]] = thread
        return thread

    def modify_thread(self, thread_id, body):
        """Apply a validated ModifyThreadRequest."""
        thread = self.thread(thread_id)
        thread.data.update(copy.deepcopy(body))
        return copy.deepcopy(thread.data)

    def delete_thread(self, thread_id):
        """Forget the thread, its messages and runs (active runs stop)."""
        for run in self.thread(thread_id).runs.values():
            run.close()
        del self.threads[thread_id]
        return deleted(thread_id, "thread")

    def create_message(self, thread_id, body):
        """Add a validated CreateMessageRequest; 400 while the thread has an active run."""
        thread = self.thread(thread_id)
        active = thread.active_run()
        if active is not None:
            raise bad_request(f"Can't add messages to {thread_id} while a run {active.id} is active.")
        message = user_message(thread_id, body)
        thread.add_message(message)
        return copy.deepcopy(message)

    def modify_message(self, thread_id, message_id, body):
        """Apply a validated ModifyMessageRequest."""
        message = self.message(thread_id, message_id)
        message.update(copy.deepcopy(body))
        return copy.deepcopy(message)

    def delete_message(self, thread_id, message_id):
        """Remove one message."""
        self.message(thread_id, message_id)
        del self.threads[thread_id].messages[message_id]
        return deleted(message_id, "thread.message")

    def list_messages(self, thread_id, params, run_id=None):
        """ListMessagesResponse, optionally only the messages a run created."""
        messages = [message for message in self.thread(thread_id).messages.values() if run_id is None or message["run_id"] == run_id]
        return page(messages, params)

    # Runs.

    def create_run(self, thread_id, body, duration):
        """Start a run from a validated CreateRunRequest; 400 while the thread has an active run."""
        thread = self.thread(thread_id)
        assistant = self.assistant(body["assistant_id"])
        active = thread.active_run()
        if active is not None:
            raise bad_request(f"Thread {thread_id} already has an active run {active.id}.")
        for request in body.get("additional_messages") or []:
            thread.add_message(user_message(thread_id, request))
        run = Run(thread, assistant, body, duration=duration)
        thread.runs[run.id] = run
        run.start()
        return run

    def list_runs(self, thread_id, params):
        """ListRunsResponse."""
        return page([run.data for run in self.thread(thread_id).runs.values()], params)

    def list_steps(self, thread_id, run_id, params):
        """ListRunStepsResponse."""
        return page(self.run(thread_id, run_id).steps, params)

    def all_runs(self):
        """Every run of every thread, oldest first."""
        runs = [run for thread in self.threads.values() for run in thread.runs.values()]
        return sorted(runs, key=lambda run: run.created)

    def close(self):
        """Stop every run (before the store is dropped)."""
        for run in self.all_runs():
            run.close()
        self.responses.close()
