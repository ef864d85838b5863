"""The packaged app's one executable: ``shotline`` as the pip install has it (the window, or any
subcommand headless), and the engine when the app starts it.

The app starts its engine as ``sys.executable -m engine.server.main …`` (``engine/server/client.py``);
in a frozen build ``sys.executable`` is this program, so that one module is answered here.
"""

import multiprocessing
import sys


def main() -> int:
    multiprocessing.freeze_support()  # the engine validates big jobs in a spawned helper process
    if sys.argv[1:3] == ["-m", "engine.server.main"]:
        from engine.server.main import main as engine_main

        return engine_main(sys.argv[3:])
    if sys.argv[1:2] == ["engine"]:  # `shotline engine …`: the engine, for a packaged render box
        from engine.server.main import main as engine_main

        return engine_main(sys.argv[2:])
    from app.main import main as app_main

    return app_main()


if __name__ == "__main__":
    sys.exit(main())
