"""Each answer's stance on its thread's question, and how a thread's doctors split.

The modules, bottom up: ``text`` (sentences and tokens), ``cues`` (the cue lexicon),
``read`` (one sentence's reading, ConText style), ``concepts`` (the synonym groups and
their kind-of links), ``targets`` (the treatments a question names), ``judge`` (one
answer's stance), ``consensus`` (a thread's split).
Nothing is imported here, so ``import msqa_search`` loads none of it until a stance is
asked for.
"""

__all__: list[str] = []
