"""Pages for appeals (residents' requests), by section: the lists, an appeal's page and its
actions, intake by staff, categories, grid QR posters, and the residents' own pages."""

from wangge.appeals.views.categories import category_index
from wangge.appeals.views.detail import request_act, request_detail, request_photo
from wangge.appeals.views.intake import request_new, request_phone_intake
from wangge.appeals.views.lists import request_index, request_mine
from wangge.appeals.views.posters import grid_poster, grid_poster_png, grid_posters
from wangge.appeals.views.resident import public_form, public_recover, public_track

__all__ = [
    "category_index",
    "grid_poster",
    "grid_poster_png",
    "grid_posters",
    "public_form",
    "public_recover",
    "public_track",
    "request_act",
    "request_detail",
    "request_index",
    "request_mine",
    "request_new",
    "request_phone_intake",
    "request_photo",
]
