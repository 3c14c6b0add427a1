import pytest

from wangge.accounts.models import Role
from wangge.core import testing


@pytest.fixture
def regions(db):
    return testing.build_regions()


@pytest.fixture
def tags(db):
    return testing.build_tags()


@pytest.fixture
def township_admin(regions):
    return testing.make_user("township-admin", Role.TOWNSHIP_ADMIN, testing.TOWNSHIP)


@pytest.fixture
def secretary_a(regions):
    return testing.make_user("secretary-a", Role.VILLAGE_SECRETARY, testing.VILLAGE_A)


@pytest.fixture
def secretary_b(regions):
    return testing.make_user("secretary-b", Role.VILLAGE_SECRETARY, testing.VILLAGE_B)


@pytest.fixture
def member_a(regions):
    return testing.make_user("member-a", Role.MEMBER, testing.VILLAGE_A)


@pytest.fixture
def admin_client(client, township_admin):
    client.force_login(township_admin)
    return client
