def test_nul_in_a_search_is_refused_plainly(admin_client):
    response = admin_client.get("/households/?q=%00")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_nul_in_api_json_is_a_json_400(client, township_admin):
    client.force_login(township_admin)
    response = client.post(
        "/api/v1/households",
        '{"head_name": "a\\u0000"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
