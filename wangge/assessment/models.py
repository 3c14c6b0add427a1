"""Assessment (S11), the judgement layer: duty lists, scores computed from the service record,
admonishment below the threshold, the five-star rating and the public member page (三亮).

It reads the record (visits, requests, campaigns …); nothing in the record reads it.
"""
