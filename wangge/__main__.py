from wangge.cli import main

main()
