# The Python OpenRTC reference for the live benchmark (npm run bench -- live --variants
# listener,python-listener): one listen-only agent (VAD, no STT/LLM/TTS) in a coroutine worker, the
# twin of bench/live/listener-app.module.mjs. Run by bench/suites/live.mjs as
#   <venv>/bin/python bench/python/openrtc_listener.py start
# with LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET set. Install (git-ignored venv):
#   python3 -m venv .cache/py && .cache/py/bin/pip install openrtc "livekit-agents[silero,turn-detector]~=1.8.9"
import sys
import types

# openrtc's prewarm imports the turn-detector plugin, whose import registers an inference runner
# that needs model files fetched from Hugging Face (`download-files`); this benchmark fetches no
# model weights. A placeholder module stands in for the import, so no inference runner starts and
# openrtc takes its own fallback, VAD turn detection — what the Node twin is configured with.
_placeholder = types.ModuleType("livekit.plugins.turn_detector.multilingual")


class MultilingualModel:  # never constructed: openrtc falls back to "vad" without an inference executor
    def __init__(self, *args, **kwargs):
        raise RuntimeError("the turn-detector model is not installed for this benchmark")


_placeholder.MultilingualModel = MultilingualModel
sys.modules.setdefault("livekit.plugins.turn_detector", types.ModuleType("livekit.plugins.turn_detector"))
sys.modules["livekit.plugins.turn_detector.multilingual"] = _placeholder

from livekit.agents import Agent  # noqa: E402
from openrtc import AgentPool  # noqa: E402


class Listener(Agent):
    def __init__(self) -> None:
        super().__init__(instructions="You listen.")


pool = AgentPool(isolation="coroutine", max_concurrent_sessions=100, enable_introspection=False)
pool.add("listener", Listener)

if __name__ == "__main__":
    pool.run()
