"""The requests of the seed document ("Using the Connect API for PopFlow BUI"), exactly as
printed there: placeholders, indentation and the trailing comma included."""

SEED_CRM_BODY = """{
    "agentid": "insert_agentId",
    "jwt": "insert_api_key",
    "crmid": "insert_crmid",
    "event": "insert_event_name",
    "insert_prop_1": "insert_prop_1_value",
    "insert_prop_2": "insert_prop_2_value",
    "insert_prop_3": "insert_prop_3_value",
}"""

SEED_CTI_BODY = """{
"agentid": "insert_agentId",
    "jwt": "insert_api_key",
    "ctiId": "insert_environmentId_From_ConfigServer",
    "event": "insert_event_name",
    "insert_prop_1": "insert_prop_1_value",
    "insert_prop_2": "insert_prop_2_value",
    "insert_prop_3": "insert_prop_3_value",
}"""

SEED_GET = ("/api/sendmessage/CRM?agentid={insert_agentId}&jwt={insert_api_key}&crmid={insert_crmid}"
            "&event={name_of_event}&prop1={insert_prop1}&prop2={insert_prop2}")
