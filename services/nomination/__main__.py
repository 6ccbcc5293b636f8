from services.nomination.main import main

main()
