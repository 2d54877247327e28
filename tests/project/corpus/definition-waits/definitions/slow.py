import time

time.sleep(3600)  # e.g. a network call without a timeout
