from tui.launch import main

# Guarded: the prefetch worker process is started with "spawn", which imports the main
# module again (as ``__mp_main__``); it must not start a second browser there.
if __name__ == "__main__":
    raise SystemExit(main())
