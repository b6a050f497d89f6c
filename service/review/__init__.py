"""`claimtrace report`: one offline page to review an extraction run and export gold.

`gold` turns records into gold-format claims (defined once, in Python), `data`
assembles what the page embeds, `page` renders it, `cli` is the command; the
page's behaviour lives in `review.js` and its look in `review.css`.
"""
