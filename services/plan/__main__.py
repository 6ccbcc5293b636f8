from services.plan.main import main

main()
