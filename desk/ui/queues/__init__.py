"""The queues: the list of queues with their counts, and the queue table with its model."""
