from benchlearn.cli import main

main()
