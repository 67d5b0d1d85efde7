from campaign.cli import main

# Guarded: helper processes started with "spawn" import this module again.
if __name__ == "__main__":
    main()
