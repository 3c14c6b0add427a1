"""The Liangquan demo data set: generator, demo logins and local keys (``wangge demo``)."""
